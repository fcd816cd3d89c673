/**
 * Syslog parsing and TCP framing: bytes in, fields out; nothing here knows Flume, Netty or I/O.
 *
 * <p>What a source uses:
 *
 * <ul>
 *   <li>{@link io.sluice.source.syslog.SyslogFramer} cuts a TCP/TLS stream into frames (RFC 6587),
 *       one framer per connection, and hands them to a {@link io.sluice.source.syslog.FrameSink};
 *       UDP needs no framer, only {@link io.sluice.source.syslog.Trailers} on each datagram.
 *   <li>{@link io.sluice.source.syslog.SyslogParser} reads a frame into a {@link
 *       io.sluice.source.syslog.SyslogMessage} (RFC 5424, RFC 3164 as found in the wild, or {@code
 *       Invalid}); one parser serves all threads.
 *   <li>{@link io.sluice.source.syslog.KeepFields} builds the event body as Flume's {@code
 *       keepFields} asks; {@link io.sluice.source.syslog.StructuredData} unpacks the {@code
 *       structuredData} header for whoever needs its parameters.
 * </ul>
 *
 * <p>Inside, each grammar has its class: {@code Rfc5424}, {@code Rfc3164} (header words), {@code
 * BsdTimestamp} (RFC 3164 dates), {@code Rfc3339}, {@code SdScanner}; {@code CivilTime} and {@code
 * LocalZone} turn dates into epoch milliseconds without java.time on the hot path.
 */
package io.sluice.source.syslog;
