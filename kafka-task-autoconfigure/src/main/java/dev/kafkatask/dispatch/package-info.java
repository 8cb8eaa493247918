/**
 * Dispatching tasks by name or through typed clients, independent of the transport.
 */
@NullMarked
package dev.kafkatask.dispatch;

import org.jspecify.annotations.NullMarked;
