package io.sluice.source.hec;

/**
 * What the protocol needs of an HTTP request, taken off Netty's: so that {@link HecProtocol} is
 * plain logic, tested without a socket.
 *
 * @param authorization the Authorization header, or null
 * @param channelHeader X-Splunk-Request-Channel, or null
 * @param contentEncoding Content-Encoding, or null
 */
record HecRequest(String method, String uri, String authorization, String channelHeader,
    String contentEncoding, byte[] body, String clientIp, long receivedAtMillis) {}
