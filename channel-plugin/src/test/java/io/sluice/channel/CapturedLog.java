package io.sluice.channel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** What one class logs at WARN and above while a test runs (the test's log4j2 configuration). */
final class CapturedLog implements AutoCloseable {

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final String loggerName;
  private final AbstractAppender appender;
  private final LoggerContext context = LoggerContext.getContext(false);

  CapturedLog(Class<?> logging) {
    loggerName = logging.getName();
    appender = new AbstractAppender("captured-" + loggerName, null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
          warnings.add(event.getMessage().getFormattedMessage());
        }
      }
    };
    appender.start();
    Configuration config = context.getConfiguration();
    LoggerConfig logger = new LoggerConfig(loggerName, Level.WARN, true);
    logger.addAppender(appender, Level.WARN, null);
    config.addLogger(loggerName, logger);
    context.updateLoggers();
  }

  /** The WARN and ERROR messages logged so far, formatted. */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void close() {
    context.getConfiguration().removeLogger(loggerName);
    context.updateLoggers();
    appender.stop();
  }
}
