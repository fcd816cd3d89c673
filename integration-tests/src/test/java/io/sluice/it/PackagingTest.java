package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Inspects the plugins.d tarball a user installs: its layout, that every third-party class in it is
 * relocated under {@code io.sluice.shaded}, and that every class the plugins refer to can be
 * loaded from Flume 1.11.0's own runtime classpath, the JDK, or the pack itself.
 */
class PackagingTest {

  private static final Path REPO = Paths.get(System.getProperty("sluice.repo", "..")).normalize();
  private static final String VERSION = System.getProperty("sluice.version");
  private static final Path PLUGINS_D = REPO.resolve("conf-examples/target/plugins.d");

  private static List<Path> packJars;

  @BeforeAll
  static void findJars() throws IOException {
    packJars = new ArrayList<>();
    try (var files = Files.walk(PLUGINS_D)) {
      files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(packJars::add);
    }
  }

  @Test
  void tarballUnpacksToThePluginsDLayout() throws Exception {
    Path tarball = REPO.resolve("dist/target/sluice-" + VERSION + "-plugins.d.tar.gz");
    assertTrue(Files.isRegularFile(tarball), "missing " + tarball);
    Process tar = new ProcessBuilder("tar", "tzf", tarball.toString()).start();
    List<String> entries =
        new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, tar.waitFor());
    assertEquals(
        List.of(
            "sluice/lib/sluice-" + VERSION + ".jar",
            "sluice/libext/sluice-deps-" + VERSION + ".jar"),
        entries.stream().filter(e -> !e.endsWith("/")).sorted().toList());
  }

  @Test
  void everyThirdPartyClassIsRelocated() throws IOException {
    Set<String> misplaced = new TreeSet<>();
    for (Path jar : packJars) {
      boolean isLib = jar.getParent().getFileName().toString().equals("lib");
      for (String cls : classesIn(jar)) {
        boolean shaded = cls.startsWith("io/sluice/shaded/");
        boolean own = cls.startsWith("io/sluice/") && !shaded;
        // lib/ holds Sluice's own classes, libext/ only relocated third-party ones.
        if (isLib ? !own : !shaded) {
          misplaced.add(jar.getFileName() + ": " + cls);
        }
      }
      try (JarFile jf = new JarFile(jar.toFile())) {
        for (JarEntry e : list(jf)) {
          if (e.getName().startsWith("META-INF/services/") && !e.isDirectory()) {
            String service = e.getName().substring("META-INF/services/".length());
            String body = new String(jf.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            if (!service.startsWith("io.sluice.") || body.lines().anyMatch(
                l -> !l.isBlank() && !l.startsWith("#") && !l.trim().startsWith("io.sluice."))) {
              misplaced.add(jar.getFileName() + ": unrelocated service file " + e.getName());
            }
          }
        }
      }
    }
    assertTrue(misplaced.isEmpty(), "not relocated under io.sluice.shaded:\n" + String.join("\n", misplaced));
    assertTrue(packJars.size() >= 2, "expected lib and libext jars in " + PLUGINS_D);
  }

  @Test
  void everyClassThePluginsNeedIsInFlumeOrThePack() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry :
        Files.readString(REPO.resolve("conf-examples/target/flume-classpath.txt")).trim().split(":")) {
      urls.add(Paths.get(entry).toUri().toURL());
    }
    for (Path jar : packJars) {
      urls.add(jar.toUri().toURL());
    }
    Set<String> missing = new TreeSet<>();
    int checked = 0;
    try (URLClassLoader agent =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      for (Path jar : packJars) {
        try (JarFile jf = new JarFile(jar.toFile())) {
          for (JarEntry e : list(jf)) {
            if (!e.getName().endsWith(".class") || e.getName().contains("module-info")) {
              continue;
            }
            String from = e.getName().substring(0, e.getName().length() - ".class".length());
            try (InputStream in = jf.getInputStream(e)) {
              for (String ref : referencedTypes(in.readAllBytes())) {
                checked++;
                if (agent.getResource(ref + ".class") == null && !isOptional(from, ref)) {
                  missing.add(ref + "  (used by " + from + ")");
                }
              }
            }
          }
        }
      }
    }
    assertTrue(checked > 1000, "inspected too little: " + checked);
    assertTrue(missing.isEmpty(),
        "classes neither in Flume 1.11.0's runtime classpath nor in the pack:\n"
            + String.join("\n", missing));
  }

  /**
   * References a shaded library makes only behind a run-time check for an optional dependency;
   * they are never loaded by what the plugins use. Sluice's own classes get no such allowance.
   */
  private static boolean isOptional(String from, String ref) {
    return from.startsWith("io/sluice/shaded/")
        && OPTIONAL.keySet().stream().anyMatch(ref::startsWith);
  }

  /** Package prefix of an optional reference, and why it is never needed at run time. */
  private static final java.util.Map<String, String> OPTIONAL = java.util.Map.ofEntries(
      java.util.Map.entry("com/google/errorprone/annotations/",
          "Caffeine's compile-time annotations; the JVM ignores annotations it cannot load"),
      java.util.Map.entry("org/checkerframework/",
          "Caffeine's compile-time annotations; the JVM ignores annotations it cannot load"),
      java.util.Map.entry("org/jetbrains/annotations/",
          "Netty's compile-time annotations; the JVM ignores annotations it cannot load"),
      java.util.Map.entry("io/sluice/shaded/prometheus/annotations/",
          "the Prometheus client's API-stability annotations; the JVM ignores annotations it"
              + " cannot load"),
      java.util.Map.entry("org/osgi/annotation/",
          "Netty's OSGi bundle annotations; the JVM ignores annotations it cannot load"),
      java.util.Map.entry("reactor/blockhound/",
          "Netty's integration with the BlockHound test agent, found only through a service file"
              + " the pack leaves out"),
      java.util.Map.entry("io/sluice/shaded/io/netty/internal/tcnative/",
          "Netty's OpenSSL engine, used only when netty-tcnative is on the classpath"
              + " (OpenSsl.isAvailable()); the TLS source builds its context with the JDK provider"),
      java.util.Map.entry("org/eclipse/jetty/alpn/",
          "ALPN for Java 8 through Jetty's boot-classpath agent; Java 17 has ALPN built in"),
      java.util.Map.entry("org/eclipse/jetty/npn/",
          "NPN through Jetty's boot-classpath agent, for Java 7/8 only"),
      java.util.Map.entry("org/conscrypt/",
          "Netty's Conscrypt engine, used only when Conscrypt is on the classpath"),
      java.util.Map.entry("org/bouncycastle/",
          "Netty's PEM-key reader, used only when BouncyCastle is on the classpath; keys come"
              + " from Java keystores"),
      java.util.Map.entry("org/graalvm/",
          "the schema validator's GraalJS regular expressions, used only when configured;"
              + " ValidatingSink keeps its default, the JDK's"),
      java.util.Map.entry("org/jcodings/",
          "the schema validator's Joni regular expressions, used only when configured"),
      java.util.Map.entry("org/joni/",
          "the schema validator's Joni regular expressions, used only when configured"),
      java.util.Map.entry("io/sluice/shaded/jackson/dataformat/yaml/",
          "the schema validator's YAML schemas, read only from .yaml/.yml files; ValidatingSink"
              + " reads JSON schemas"),
      java.util.Map.entry("org/apache/log4j/",
          "Netty's Log4j 1 logger, chosen only when SLF4J is absent; Flume provides SLF4J"),
      java.util.Map.entry("brave/",
          "Lettuce's Brave tracing, used only when a tracer is configured; the pack sets none"),
      java.util.Map.entry("zipkin2/",
          "Lettuce's Brave tracing, used only when a tracer is configured; the pack sets none"),
      java.util.Map.entry("io/micrometer/",
          "Lettuce's Micrometer metrics and tracing and Reactor's context propagation, each used"
              + " only when Micrometer is on the classpath"),
      java.util.Map.entry("io/reactivex/",
          "Lettuce's RxJava adapters for command interfaces, used only when RxJava is present"),
      java.util.Map.entry("rx/",
          "Lettuce's RxJava 1 adapters for command interfaces, used only when RxJava is present"),
      java.util.Map.entry("kotlin/", "Lettuce's Kotlin coroutine API, for Kotlin callers"),
      java.util.Map.entry("kotlinx/", "Lettuce's Kotlin coroutine API, for Kotlin callers"),
      java.util.Map.entry("javax/enterprise/",
          "Lettuce's CDI extension, found only through a service file the pack leaves out"),
      java.util.Map.entry("org/HdrHistogram/",
          "Lettuce's command latency collector, on only when HdrHistogram is on the classpath"),
      java.util.Map.entry("org/LatencyUtils/",
          "Lettuce's command latency collector, on only when HdrHistogram is on the classpath"),
      java.util.Map.entry("org/apache/commons/pool2/",
          "Lettuce's connection pools, which store = redis does not use (one shared connection)"),
      java.util.Map.entry("sun/misc/JavaLangAccess",
          "Reactor's Java 8 call-site capture for debug mode, which the pack never turns on"),
      java.util.Map.entry("jdk/incubator/foreign/",
          "datasketches-memory's off-heap Memory API (needs --add-modules jdk.incubator.foreign);"
              + " TopOffenders keeps its sketches on the heap and never serializes them, which"
              + " the end-to-end tests exercise in an agent started without that module"));

  private static Set<String> referencedTypes(byte[] classFile) {
    Set<String> refs = new TreeSet<>();
    Remapper collector =
        new Remapper() {
          @Override
          public String map(String internalName) {
            refs.add(internalName);
            return internalName;
          }
        };
    new ClassReader(classFile)
        .accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) {}, collector), 0);
    return refs;
  }

  private static List<String> classesIn(Path jar) throws IOException {
    List<String> out = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      for (JarEntry e : list(jf)) {
        String n = e.getName();
        if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
          out.add(n.startsWith("META-INF/versions/") ? n.substring(n.indexOf('/', 18) + 1) : n);
        }
      }
    }
    return out;
  }

  private static List<JarEntry> list(JarFile jf) {
    List<JarEntry> out = new ArrayList<>();
    for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
      out.add(en.nextElement());
    }
    return out;
  }
}
