package io.sluice.core.limit;

import java.util.List;

/**
 * Where {@link SharedGovernor} keeps the limits several agents share: it runs the model's script,
 * once per call, and answers with the integers the script returns.
 */
public interface SharedStore extends AutoCloseable {

  /**
   * Runs {@code script} once for each call, all sent before any answer is awaited (one round trip
   * for all of them), and returns their answers (the bytes the script returns) in order.
   *
   * @throws SharedStoreException if any call fails or the answers do not all arrive in time
   */
  List<byte[]> run(SharedScript script, List<SharedCall> calls);

  /**
   * Which keys one call may hold together: those of the same partition (with a Redis Cluster,
   * those of one hash slot). Without partitions, every key's is 0.
   */
  default int partitionOf(String key) {
    return 0;
  }

  @Override
  void close();
}
