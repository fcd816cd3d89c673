package io.sluice.source.hec;

/**
 * What one request's body may hold, once inflated: at most {@code maxInflatedBytes} (a gzip body
 * stops inflating there: 413), {@code maxEvents} events of at most {@code maxEventBytes} each, JSON
 * nested at most {@code maxNestingDepth} inside an {@code event} or {@code fields}.
 */
public record BodyLimits(int maxInflatedBytes, int maxEvents, int maxEventBytes, int maxNestingDepth) {}
