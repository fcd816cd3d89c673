package io.sluice.benchmarks;

import io.sluice.core.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Controls for reading the governor numbers on a given machine.
 *
 * <ul>
 *   <li>{@code clockNanoTime}: one {@code Clock.SYSTEM.nanoTime()}, which every decision pays at
 *       least once (the cost of {@code System.nanoTime()} depends on the machine's clock source
 *       and virtualisation).
 *   <li>{@code cpuOnly}: a fixed amount of pure computation that shares nothing, so its
 *       {@code _t2} against {@code _t1} shows how well the machine itself runs two threads.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BaselineBenchmark {

  @Benchmark
  @Threads(1)
  public long clockNanoTime_t1() {
    return Clock.SYSTEM.nanoTime();
  }

  @Benchmark
  @Threads(2)
  public long clockNanoTime_t2() {
    return Clock.SYSTEM.nanoTime();
  }

  @Benchmark
  @Threads(1)
  public void cpuOnly_t1() {
    Blackhole.consumeCPU(64);
  }

  @Benchmark
  @Threads(2)
  public void cpuOnly_t2() {
    Blackhole.consumeCPU(64);
  }
}
