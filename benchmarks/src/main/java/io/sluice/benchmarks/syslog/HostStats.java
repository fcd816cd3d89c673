package io.sluice.benchmarks.syslog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about the machine and the sockets under test: CPU time (the whole machine's, and
 * this JVM's and its children's, i.e. the agents'), UDP drops per port, receive buffers, sysctls.
 * Everything reads as zero or "unknown" where /proc or ss is missing.
 */
public final class HostStats {

  private static final long HZ = clockTicks();

  private HostStats() {}

  /**
   * CPU jiffies at one moment: the machine's busy (user, nice, system), interrupts (irq, softirq)
   * and stolen; ours (this JVM and its live descendants) and the agent's.
   */
  public record Cpu(long busy, long irq, long steal, long ours, long agent, long nanos) {

    /** Cores used by other work between {@code this} and {@code later}. */
    double othersCores(Cpu later) {
      return Math.max(0, ((later.busy - busy) - (later.ours - ours)) / (double) HZ / seconds(later));
    }

    double irqCores(Cpu later) {
      return (later.irq - irq) / (double) HZ / seconds(later);
    }

    double stolenCores(Cpu later) {
      return (later.steal - steal) / (double) HZ / seconds(later);
    }

    public double agentCpuSeconds(Cpu later) {
      return (later.agent - agent) / (double) HZ;
    }

    double oursCores(Cpu later) {
      return (later.ours - ours) / (double) HZ / seconds(later);
    }

    public double seconds(Cpu later) {
      return Math.max(1e-9, (later.nanos - nanos) / 1e9);
    }
  }

  /** Samples the CPU counters; {@code agentPid} is the agent JVM's process id, or -1. */
  public static Cpu cpu(long agentPid) {
    long busy = 0;
    long irq = 0;
    long steal = 0;
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      // Interrupt time is left out: most of it is our own packets' (loopback delivers them in
      // softirq), and it is charged to no process, so it would count as other work.
      busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
      irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
      steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
    } catch (IOException | RuntimeException e) {
      // not Linux: zeros
    }
    long self = ProcessHandle.current().pid();
    long ours = jiffies(self, true);
    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
      ours += jiffies(p.pid(), true);
    }
    long agent = agentPid > 0 ? jiffies(agentPid, false) : 0;
    return new Cpu(busy, irq, steal, ours, agent, System.nanoTime());
  }

  /** utime + stime of a process (and its reaped children's, if asked) in jiffies, 0 if gone. */
  private static long jiffies(long pid, boolean withChildren) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long clockTicks() {
    String out = run("getconf", "CLK_TCK").trim();
    try {
      return Long.parseLong(out);
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  /** Datagrams the kernel dropped on the UDP sockets bound to {@code port} (/proc/net/udp{,6}). */
  static long udpDrops(int port) {
    String hex = String.format(Locale.ROOT, ":%04X", port);
    long sum = 0;
    for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException | RuntimeException e) {
        continue;
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length >= 13 && f[1].endsWith(hex)) {
          try {
            sum += Long.parseLong(f[f.length - 1]);
          } catch (NumberFormatException ignored) {
            // not a number: skip the row
          }
        }
      }
    }
    return sum;
  }

  /** Packets dropped by the kernel's per-CPU input backlogs (/proc/net/softnet_stat, column 2). */
  static long softnetDrops() {
    long sum = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/softnet_stat"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 1) {
          sum += Long.parseLong(f[1], 16);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return sum;
  }

  /** The receive buffer (bytes) of each UDP socket bound to {@code port}, from {@code ss -uamn}. */
  static List<Long> udpReceiveBuffers(int port) {
    String out = run("ss", "-uamn", "sport = :" + port);
    List<Long> rb = new ArrayList<>();
    Matcher m = Pattern.compile("\\brb(\\d+)").matcher(out);
    while (m.find()) {
      rb.add(Long.parseLong(m.group(1)));
    }
    return rb;
  }

  /** A process's whole command line, arguments joined by spaces ("" if unknown). */
  static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
          StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static String sysctl(String name) {
    try {
      return Files.readString(Path.of("/proc/sys/" + name.replace('.', '/'))).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
