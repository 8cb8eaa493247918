/**
 * Actuator support: the {@code kafkatasks} endpoint.
 */
@NullMarked
package dev.kafkatask.actuate;

import org.jspecify.annotations.NullMarked;
