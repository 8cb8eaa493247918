package dev.kafkatask.schedule;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fires a {@link dev.kafkatask.task.KafkaTask @KafkaTask} method periodically, like an entry
 * of Celery's {@code beat_schedule}: exactly one instance of the application's worker group
 * dispatches the task at each slot of a cron expression or a fixed rate. Repeatable, one
 * schedule each; properties ({@code kafka-task.schedules.[name].*}) replace a schedule of
 * the same name.
 *
 * <pre class="code">
 * &#064;KafkaTask(name = "reports.nightly")
 * &#064;KafkaTaskSchedule(cron = "0 0 2 * * *", zone = "Europe/Paris", args = "\"daily\"")
 * public void nightly(String kind) { ... }
 * </pre>
 *
 * @author kafka-task
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(KafkaTaskSchedules.class)
public @interface KafkaTaskSchedule {

	/**
	 * Name of the schedule, unique in the application: part of the id of every task it fires
	 * ({@code <name>@<slot>}) and the key of its last fired slot. Defaults to the task name;
	 * a second schedule of the same task needs a name of its own.
	 * @return the schedule name
	 */
	String name() default "";

	/**
	 * Spring cron expression, six fields with seconds first ({@code 0 *&#47;5 * * * *}), or a
	 * macro such as {@code @hourly}. Set this or {@link #fixedRate()}.
	 * @return the cron expression
	 */
	String cron() default "";

	/**
	 * Time zone of {@link #cron()}, for example {@code Europe/Paris}. Defaults to UTC, so
	 * that every instance agrees whatever its own zone.
	 * @return the zone id
	 */
	String zone() default "";

	/**
	 * Fixed rate: a duration such as {@code 2s}, {@code 5m} or {@code PT1H} (a plain number
	 * is seconds). Slots are multiples of it since the epoch. Set this or {@link #cron()}.
	 * @return the rate
	 */
	String fixedRate() default "";

	/**
	 * Positional arguments of every dispatch, one JSON value each ({@code "42"},
	 * {@code "\"text\""}, {@code "[1,2]"}).
	 * @return the arguments
	 */
	String[] args() default {};

	/**
	 * Keyword arguments of every dispatch, as {@code name=<JSON value>}.
	 * @return the keyword arguments
	 */
	String[] kwargs() default {};

	/**
	 * Celery options of every dispatch, as {@code name=value} ({@code "expires=60"},
	 * {@code "priority=5"}).
	 * @return the options
	 */
	String[] options() default {};

	/**
	 * What the leader does with slots nobody fired in time.
	 * @return the policy
	 */
	MissedSlots missed() default MissedSlots.FIRE_ONCE;

	/**
	 * Most missed slots fired at once under {@link MissedSlots#FIRE_ALL}.
	 * @return the limit
	 */
	int missedLimit() default ScheduleDefinition.DEFAULT_MISSED_LIMIT;

}
