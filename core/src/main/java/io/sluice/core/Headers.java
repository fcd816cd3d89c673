package io.sluice.core;

/** Event header names of the public contract (see DESIGN.md, "Event headers"). */
public final class Headers {

  public static final String EVENT_ID = "sluice.eventId";
  public static final String RECEIVED_AT = "sluice.receivedAt";
  public static final String DISPOSITION = "sluice.disposition";
  public static final String RELEASE_AT = "sluice.releaseAt";
  public static final String LIMIT_KEY = "sluice.limitKey";

  public static final String CLIENT_IP = "clientIp";
  public static final String LOCAL_PORT = "localPort";
  public static final String SEVERITY = "Severity";
  public static final String FACILITY = "Facility";

  private Headers() {}
}
