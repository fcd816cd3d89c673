package io.sluice.source.hec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whose X-Forwarded-For is believed, and how much of it. */
class TrustedProxiesTest {

  private final TrustedProxies lb = TrustedProxies.parse("trustedProxies", "10.0.0.0/8, 192.168.1.5 2001:db8::/32");

  @Test
  void aTrustedPeerIsBelievedUpToTheFirstAddressThatIsNotAProxy() {
    assertEquals("203.0.113.9", lb.clientOf("10.1.2.3", "203.0.113.9"));
    assertEquals("203.0.113.9", lb.clientOf("10.1.2.3", "198.51.100.1, 203.0.113.9, 10.9.9.9"),
        "the right-most untrusted hop; what the client wrote before it is not believed");
    assertEquals("2001:db9::7", lb.clientOf("2001:db8::1", "2001:db9::7"));
    assertEquals("10.2.2.2", lb.clientOf("192.168.1.5", "10.2.2.2, 10.3.3.3"), "all trusted: the left-most");
  }

  @Test
  void anyOtherPeerIsItselfWhateverItClaims() {
    assertEquals("198.51.100.7", lb.clientOf("198.51.100.7", "10.0.0.1"));
    assertEquals("192.168.1.6", lb.clientOf("192.168.1.6", "1.2.3.4"));
    assertEquals("10.1.2.3", lb.clientOf("10.1.2.3", null));
    TrustedProxies none = TrustedProxies.parse("trustedProxies", "none");
    assertEquals("10.1.2.3", none.clientOf("10.1.2.3", "203.0.113.9"));
  }

  @Test
  void aHopThatIsNoAddressEndsWhatIsBelieved() {
    assertEquals("10.9.9.9", lb.clientOf("10.1.2.3", "203.0.113.9, evil.example, 10.9.9.9"));
    assertEquals("10.1.2.3", lb.clientOf("10.1.2.3", "unknown"));
  }

  @Test
  void onlyAddressLiteralsAreRead() {
    assertNull(TrustedProxies.literal("localhost"), "never a DNS lookup");
    assertNull(TrustedProxies.literal("1.2.3.999"));
    assertNull(TrustedProxies.literal("1.2.3"));
    assertNull(TrustedProxies.literal("::zz"));
    assertEquals(4, TrustedProxies.literal("127.0.0.1").length);
    assertEquals(16, TrustedProxies.literal("::1").length);
  }

  /**
   * A hop made only of hex digits, dots and colons that Java would not read as a literal (it does
   * not start like one) would be looked up as a name, from the I/O thread. A security manager
   * refuses every lookup here: one made would throw.
   */
  @Test
  @SuppressWarnings("removal") // the only hook for name lookups on Java 17
  void aHopThatOnlyLooksLikeALiteralIsNeverLookedUp() {
    SecurityManager before = System.getSecurityManager();
    System.setSecurityManager(new SecurityManager() {
      @Override
      public void checkPermission(java.security.Permission p) {}

      @Override
      public void checkConnect(String host, int port) {
        if (port == -1) { // a name lookup
          throw new SecurityException("looked up " + host);
        }
      }
    });
    try {
      assertNull(TrustedProxies.literal(".:"));
      assertNull(TrustedProxies.literal(".::1"));
      assertEquals("10.9.9.9", lb.clientOf("10.1.2.3", ".:, 10.9.9.9"));
      assertEquals("10.2.2.2", lb.clientOf("10.1.2.3", "10.2.2.2, ::ffff:10.9.9.9"),
          "an IPv4-mapped hop is its IPv4 address, trusted as such");
    } finally {
      System.setSecurityManager(before);
    }
  }

  @Test
  void aBadEntryIsRefusedNamingTheKey() {
    for (String bad : new String[] {"10.0.0.0/33", "lb.example", "10.0.0.0/x", "::1/129"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TrustedProxies.parse("trustedProxies", bad));
      assertTrue(e.getMessage().contains("'trustedProxies'"), e.getMessage());
    }
  }
}
