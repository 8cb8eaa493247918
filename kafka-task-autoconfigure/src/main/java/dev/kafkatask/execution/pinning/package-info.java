/**
 * Detecting tasks that pin or block the carrier of their virtual thread, from JDK Flight
 * Recorder's {@code jdk.VirtualThreadPinned} events.
 */
@NullMarked
package dev.kafkatask.execution.pinning;

import org.jspecify.annotations.NullMarked;
