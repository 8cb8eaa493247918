package dev.kafkatask.schedule;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Holds the {@link KafkaTaskSchedule} annotations of a method that has several.
 *
 * @author kafka-task
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KafkaTaskSchedules {

	/**
	 * The schedules.
	 * @return the schedules
	 */
	KafkaTaskSchedule[] value();

}
