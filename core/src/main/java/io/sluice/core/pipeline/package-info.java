/**
 * Small capabilities Sluice's components offer one another inside one agent, beyond Flume's
 * interfaces: a source discovers them on its interceptors and channels at start.
 */
package io.sluice.core.pipeline;
