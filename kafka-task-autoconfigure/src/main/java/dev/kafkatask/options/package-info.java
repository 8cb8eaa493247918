/**
 * Celery's task options: their model, where they are set, and which backend supports which.
 */
@NullMarked
package dev.kafkatask.options;

import org.jspecify.annotations.NullMarked;
