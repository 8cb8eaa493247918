/**
 * Runtime control of the consumers of each backend and queue: start, pause, drain, stop.
 */
@NullMarked
package dev.kafkatask.consumer;

import org.jspecify.annotations.NullMarked;
