/**
 * The JSON envelope that carries a task over any transport.
 */
@NullMarked
package dev.kafkatask.codec;

import org.jspecify.annotations.NullMarked;
