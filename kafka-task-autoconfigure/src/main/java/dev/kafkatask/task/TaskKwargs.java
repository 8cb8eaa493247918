package dev.kafkatask.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code Map<String, ?>} parameter of a task method that receives the keyword
 * arguments no other parameter takes, like Python's {@code **kwargs}. Its values are read as
 * the map's value type.
 *
 * @author kafka-task
 * @see TaskArgs
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TaskKwargs {

}
