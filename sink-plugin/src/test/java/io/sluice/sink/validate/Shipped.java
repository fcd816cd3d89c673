package io.sluice.sink.validate;

import java.nio.file.Files;
import java.nio.file.Path;

/** The schemas shipped in conf-examples/schemas, as a user's configuration names them. */
final class Shipped {

  private Shipped() {}

  static Path dir() {
    // surefire runs in the module's folder and says so in basedir
    Path d = Path.of(System.getProperty("basedir", ".")).resolve("../conf-examples/schemas").normalize();
    if (!Files.isDirectory(d)) {
      throw new IllegalStateException("no shipped schemas at " + d.toAbsolutePath());
    }
    return d;
  }

  static String syslog() {
    return dir().resolve("syslog-event.schema.json").toString();
  }

  static String hec() {
    return dir().resolve("hec-event.schema.json").toString();
  }
}
