package io.sluice.core.limit;

import java.util.List;

/**
 * Where {@link SharedGovernor} keeps the limits several agents share: it runs the model's script,
 * once per call, and answers with the integers the script returns.
 */
public interface SharedStore extends AutoCloseable {

  /**
   * Runs {@code script} once for each call, all sent before any answer is awaited (one round trip
   * for all of them), and returns their answers in order.
   *
   * @throws SharedStoreException if any call fails or the answers do not all arrive in time
   */
  List<List<Long>> run(SharedScript script, List<SharedCall> calls);

  @Override
  void close();
}
