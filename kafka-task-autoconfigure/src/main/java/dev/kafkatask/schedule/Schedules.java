package dev.kafkatask.schedule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.annotation.MergedAnnotations;

import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * The schedules of an application: those its {@code @KafkaTask} methods declare with
 * {@link KafkaTaskSchedule}, and those of its properties, which replace an annotated
 * schedule of the same name.
 *
 * @author kafka-task
 */
public final class Schedules {

	private Schedules() {
	}

	/**
	 * Read and check every schedule.
	 * @param registry the registered tasks, with their methods
	 * @param configured the schedules of the properties, by name; a definition whose task is
	 * {@code null} and that has no trigger only switches an annotated schedule off
	 * @param disabled names of schedules switched off
	 * @return the schedules, by name
	 * @throws ScheduleDefinitionException when a schedule is not valid, names a task the
	 * registry does not know, or two annotations share a name
	 */
	public static List<Schedule> resolve(TaskRegistry registry, Collection<ScheduleDefinition> configured,
			Collection<String> disabled) {
		Map<String, ScheduleDefinition> definitions = new LinkedHashMap<>();
		for (TaskDefinition task : registry.all()) {
			MergedAnnotations.from(task.method(), MergedAnnotations.SearchStrategy.TYPE_HIERARCHY).stream(KafkaTaskSchedule.class).forEach((annotation) -> {
				ScheduleDefinition definition = ScheduleDefinition.of(annotation.synthesize(), task.name(),
						task.methodDescription());
				ScheduleDefinition other = definitions.putIfAbsent(definition.name(), definition);
				if (other != null) {
					throw new ScheduleDefinitionException("Schedule '" + definition.name() + "' is declared twice, by "
							+ other.declaredBy() + " and by " + definition.declaredBy()
							+ ": give each @KafkaTaskSchedule a name of its own");
				}
			});
		}
		configured.forEach((definition) -> definitions.put(definition.name(), definition));
		disabled.forEach(definitions::remove);
		List<Schedule> schedules = new ArrayList<>();
		for (ScheduleDefinition definition : definitions.values()) {
			Schedule schedule = definition.toSchedule();
			if (registry.find(schedule.task()) == null) {
				throw new ScheduleDefinitionException("Schedule '" + schedule.name() + "' (" + definition.declaredBy()
						+ ") names task '" + schedule.task() + "', which is not a @KafkaTask of this application");
			}
			schedules.add(schedule);
		}
		return List.copyOf(schedules);
	}

}
