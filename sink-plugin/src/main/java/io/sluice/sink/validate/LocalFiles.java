package io.sluice.sink.validate;

import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.resource.ResourceLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a schema's {@code $ref}s may lead: local files, and the JSON Schema meta-schemas the
 * validator carries in its jar. Nothing is ever fetched over the network: an agent must not depend
 * on a web server to start, nor let a schema's author make it connect anywhere.
 *
 * <p>networknt's validator fetches nothing unless told to (its default loader has no network
 * loader); this class makes the rule explicit and its failure clear: {@link #allowed} is the
 * loader's allow-list, and refuses anything else with a {@link RemoteReference} naming the IRI;
 * {@link #loader} reads {@code file:} IRIs, at most {@link SchemaFiles#MAX_SCHEMA_BYTES} each.
 */
final class LocalFiles {

  private LocalFiles() {}

  /** A {@code $ref} to something that is not a local file. */
  static final class RemoteReference extends RuntimeException {
    final String iri;

    RemoteReference(String iri) {
      super("not a local file: " + iri, null, false, false);
      this.iri = iri;
    }
  }

  /**
   * True for {@code file:} IRIs, and for the meta-schemas at json-schema.org, which the validator
   * resolves to copies in its own jar (classpath) and never fetches; throws {@link
   * RemoteReference} for anything else.
   */
  static boolean allowed(AbsoluteIri iri) {
    String text = iri.toString();
    String scheme = iri.getScheme() == null ? "" : iri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") || scheme.equals("classpath") || scheme.equals("resource")
        || text.startsWith("https://json-schema.org/") || text.startsWith("http://json-schema.org/")) {
      return true;
    }
    throw new RemoteReference(text);
  }

  /** Reads {@code file:} IRIs; leaves every other kind to the validator's own loaders. */
  static ResourceLoader loader() {
    return iri -> {
      if (iri.getScheme() == null || !iri.getScheme().equalsIgnoreCase("file")) {
        return null;
      }
      return () -> new ByteArrayInputStream(read(Path.of(URI.create(iri.toString()))));
    };
  }

  /** A schema file's bytes, refusing what is not a regular file or is too large to be a schema. */
  static byte[] read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(Files.exists(file) ? "not a regular file: " + file : "no such file: " + file);
    }
    long size = Files.size(file);
    if (size > SchemaFiles.MAX_SCHEMA_BYTES) {
      throw new IOException("larger than " + (SchemaFiles.MAX_SCHEMA_BYTES >> 20) + " MiB ("
          + size + " bytes): " + file);
    }
    return Files.readAllBytes(file);
  }
}
