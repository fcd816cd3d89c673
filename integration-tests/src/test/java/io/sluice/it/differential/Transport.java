package io.sluice.it.differential;

/**
 * How a corpus entry reaches the sources: UDP to Flume's {@code syslogudp} ({@code SyslogUDPSource})
 * and Sluice's {@code SyslogUdpSource}; TCP to {@code multiport_syslogtcp} ({@code
 * MultiportSyslogTCPSource}) and Sluice's {@code SyslogTcpSource}.
 */
public enum Transport {
  UDP("syslogudp"),
  TCP("multiport_syslogtcp");

  private final String flumeSource;

  Transport(String flumeSource) {
    this.flumeSource = flumeSource;
  }

  /** The Flume source Sluice's source is compared with on this transport. */
  public String flumeSource() {
    return flumeSource;
  }
}
