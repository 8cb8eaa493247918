package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationUnit;

import dev.kafkatask.schedule.MissedSlots;
import dev.kafkatask.schedule.ScheduleDefinition;

/**
 * One periodic task, {@code kafka-task.schedules.[name].*}, like an entry of Celery's
 * {@code beat_schedule}. Read and checked by {@link ScheduleDefinition}.
 *
 * @author kafka-task
 */
public class ScheduleProperties {

	/**
	 * Whether the schedule fires. 'false' also switches off a @KafkaTaskSchedule of the same
	 * name.
	 */
	private boolean enabled = true;

	/**
	 * Name of the task the schedule dispatches: a @KafkaTask of this application.
	 */
	private @Nullable String task;

	/**
	 * Spring cron expression, six fields with seconds first ('0 0/5 * * * *'), or a macro
	 * such as '@hourly'. Set this or 'fixed-rate'.
	 */
	private @Nullable String cron;

	/**
	 * Time zone of the cron expression, for example 'Europe/Paris'. Defaults to UTC.
	 */
	private @Nullable String zone;

	/**
	 * Fixed rate, such as '2s' or '5m'; a plain number is seconds. Slots are multiples of it
	 * since the epoch. Set this or 'cron'.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration fixedRate;

	/**
	 * Positional arguments of every dispatch, as a JSON array: '[42, "text"]'.
	 */
	private @Nullable String args;

	/**
	 * Keyword arguments of every dispatch, as a JSON object: '{"kind": "daily"}'.
	 */
	private @Nullable String kwargs;

	/**
	 * Celery options of every dispatch by Celery name, for example 'expires: 60' or
	 * 'priority: 5'. The task id is the schedule's own.
	 */
	private final Map<String, String> options = new LinkedHashMap<>();

	/**
	 * What the leader does with slots nobody fired in time (after a failover, a restart or a
	 * pause): 'fire-once' (one task for all of them, the latest), 'skip' or 'fire-all' (each,
	 * up to 'missed-limit').
	 */
	private MissedSlots missed = MissedSlots.FIRE_ONCE;

	/**
	 * Most missed slots fired at once under 'fire-all': the latest ones.
	 */
	private int missedLimit = ScheduleDefinition.DEFAULT_MISSED_LIMIT;

	/**
	 * How late a slot may fire and still be on time rather than missed.
	 */
	private Duration grace = ScheduleDefinition.DEFAULT_GRACE;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getTask() {
		return this.task;
	}

	public void setTask(@Nullable String task) {
		this.task = task;
	}

	public @Nullable String getCron() {
		return this.cron;
	}

	public void setCron(@Nullable String cron) {
		this.cron = cron;
	}

	public @Nullable String getZone() {
		return this.zone;
	}

	public void setZone(@Nullable String zone) {
		this.zone = zone;
	}

	public @Nullable Duration getFixedRate() {
		return this.fixedRate;
	}

	public void setFixedRate(@Nullable Duration fixedRate) {
		this.fixedRate = fixedRate;
	}

	public @Nullable String getArgs() {
		return this.args;
	}

	public void setArgs(@Nullable String args) {
		this.args = args;
	}

	public @Nullable String getKwargs() {
		return this.kwargs;
	}

	public void setKwargs(@Nullable String kwargs) {
		this.kwargs = kwargs;
	}

	public Map<String, String> getOptions() {
		return this.options;
	}

	public MissedSlots getMissed() {
		return this.missed;
	}

	public void setMissed(MissedSlots missed) {
		this.missed = missed;
	}

	public int getMissedLimit() {
		return this.missedLimit;
	}

	public void setMissedLimit(int missedLimit) {
		this.missedLimit = missedLimit;
	}

	public Duration getGrace() {
		return this.grace;
	}

	public void setGrace(Duration grace) {
		this.grace = grace;
	}

	/**
	 * Return the schedule these properties declare, as text for {@link ScheduleDefinition}
	 * to read and check.
	 * @param name the schedule's name
	 * @return the definition
	 */
	ScheduleDefinition toDefinition(String name) {
		return new ScheduleDefinition(name, "kafka-task.schedules.[" + name + "]", this.task, this.cron, this.zone,
				(this.fixedRate != null) ? this.fixedRate.toMillis() + "ms" : null, this.args, this.kwargs,
				this.options, this.missed, this.missedLimit, this.grace);
	}

}
