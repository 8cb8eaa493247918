/**
 * Spring Boot auto-configuration of kafka-task.
 */
@NullMarked
package dev.kafkatask.autoconfigure;

import org.jspecify.annotations.NullMarked;
