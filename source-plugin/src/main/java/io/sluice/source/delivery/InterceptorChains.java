package io.sluice.source.delivery;

import java.lang.reflect.Field;
import java.util.List;
import org.apache.flume.FlumeException;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.interceptor.Interceptor;
import org.apache.flume.interceptor.InterceptorChain;

/**
 * The interceptor chain a {@link ChannelProcessor} was configured with, and its interceptors.
 *
 * <p>Why reach into it: {@code ChannelProcessor.processEventBatch} runs the interceptors and then
 * commits the required channels one after the other, so a source that retries a refused batch
 * runs the interceptors again (the limiter books the batch twice) and writes again into the
 * channels that had already committed it (duplicates). Sluice's sources therefore run the chain
 * once per batch and drive the selector and each channel's transaction themselves. Flume builds
 * the chain inside the processor from the source's {@code interceptors.*} keys and offers no
 * getter; building a second chain from the same keys would make two instances of every
 * interceptor (two limiters, two sets of metrics). Flume's version is fixed (1.11.0) and a test
 * reads these fields, so two reflective reads at start are the smaller risk.
 */
final class InterceptorChains {

  private InterceptorChains() {}

  static InterceptorChain of(ChannelProcessor processor) {
    return (InterceptorChain) read(ChannelProcessor.class, "interceptorChain", processor);
  }

  @SuppressWarnings("unchecked")
  static List<Interceptor> interceptorsOf(InterceptorChain chain) {
    List<Interceptor> list = (List<Interceptor>) read(InterceptorChain.class, "interceptors", chain);
    return list == null ? List.of() : List.copyOf(list);
  }

  private static Object read(Class<?> owner, String field, Object target) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new FlumeException("Cannot read " + owner.getSimpleName() + "." + field + " (is this"
          + " Flume 1.11.0?): " + e, e);
    }
  }
}
