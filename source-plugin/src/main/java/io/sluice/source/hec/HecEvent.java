package io.sluice.source.hec;

/**
 * One event of a request, as read: its body (the {@code event} string as UTF-8, its JSON when it
 * was not a string, or a {@code /raw} line) and its own metadata, each null when the request did
 * not give it.
 *
 * @param eventJson true when the body is the JSON of a non-string {@code event}
 * @param timeMillis epoch ms, or {@link HecTime#INVALID} when the request gave no time
 * @param fieldsJson the {@code fields} object as compact JSON text
 */
record HecEvent(byte[] body, boolean eventJson, long timeMillis, String host, String source,
    String sourcetype, String index, String fieldsJson) {}
