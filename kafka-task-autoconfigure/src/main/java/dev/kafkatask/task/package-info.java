/**
 * The task model: {@link dev.kafkatask.task.KafkaTask} methods and the registry that knows
 * them by name.
 */
@NullMarked
package dev.kafkatask.task;

import org.jspecify.annotations.NullMarked;
