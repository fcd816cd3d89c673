/** Syslog parsing and TCP framing: bytes in, fields out; nothing here knows Flume or Netty. */
package io.sluice.source.syslog;
