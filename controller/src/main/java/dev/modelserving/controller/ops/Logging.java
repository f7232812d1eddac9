package dev.modelserving.controller.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Switches the log output between logback.xml's text pattern and one JSON object per line. */
public final class Logging {
  private Logging() {}

  /** Applies {@code format} ("text" or "json"); false when the format is unknown. */
  public static boolean configure(String format) {
    if ("text".equals(format)) {
      return true;
    }
    if (!"json".equals(format)) {
      return false;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    var appender = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    // One readable line per event: the formatted message, level, logger, thread, time, MDC.
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithContext(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.start();
    appender.stop();
    appender.setEncoder(encoder);
    appender.start();
    return true;
  }
}
