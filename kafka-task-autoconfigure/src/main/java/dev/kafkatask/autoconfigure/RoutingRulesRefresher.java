package dev.kafkatask.autoconfigure;

import java.util.function.Supplier;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.boot.context.properties.bind.Binder;

import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;

/**
 * Rereads the routing rules ({@code kafka-task.routing.*}) when the environment is refreshed,
 * that is when Spring Cloud's {@code EnvironmentChangeEvent} is published (by its
 * {@code /actuator/refresh}, a config server push, or the application itself). The event is
 * recognised by name, so kafka-task does not depend on Spring Cloud. Rules changed through
 * the actuator are replaced by the environment's. Rules that name a Kafka cluster not
 * configured at startup are refused, naming the property, and the rules in force stay.
 *
 * @author kafka-task
 */
final class RoutingRulesRefresher implements GenericApplicationListener, Supplier<RoutingRules> {

	static final String ENVIRONMENT_CHANGE_EVENT = "org.springframework.cloud.context.environment.EnvironmentChangeEvent";

	private final Environment environment;

	private final TaskRouter router;

	RoutingRulesRefresher(Environment environment, TaskRouter router) {
		this.environment = environment;
		this.router = router;
	}

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.getRawClass();
		while (type != null) {
			if (type.getName().equals(ENVIRONMENT_CHANGE_EVENT)) {
				return true;
			}
			type = type.getSuperclass();
		}
		return false;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		RoutingRules rules = get();
		this.router.update((current) -> rules);
	}

	/**
	 * Return the routing rules the environment describes now.
	 * @return the rules
	 */
	@Override
	public RoutingRules get() {
		KafkaTaskProperties.Routing routing = Binder.get(this.environment)
			.bindOrCreate("kafka-task.routing", KafkaTaskProperties.Routing.class);
		// The clusters are those of startup: their producers are made then.
		return KafkaClusterNames.rules(routing, this.router.clusters());
	}

}
