package dev.kafkatask.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code List} parameter of a task method that receives the positional arguments
 * no other parameter takes, like Python's {@code *args}. Its elements are read as the list's
 * element type ({@code Object} gives JSON's natural Java types).
 *
 * @author kafka-task
 * @see TaskKwargs
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TaskArgs {

}
