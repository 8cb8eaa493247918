package dev.kafkatask.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * One member of the {@code kafkaTask} health composite. A bean of this type, not of
 * {@link HealthContributor}, so that Spring Boot does not also register the member at the
 * top level of the health tree. Destroying it destroys the indicators it holds (their
 * admin clients), nested ones included: they are no beans of their own.
 *
 * @param name the member's name under {@code kafkaTask}
 * @param contributor the member's health
 * @author kafka-task
 */
record KafkaTaskHealthMember(String name, HealthContributor contributor) implements DisposableBean {

	@Override
	public void destroy() throws Exception {
		destroy(this.contributor);
	}

	private static void destroy(HealthContributor contributor) throws Exception {
		if (contributor instanceof DisposableBean disposable) {
			disposable.destroy();
		}
		else if (contributor instanceof CompositeHealthContributor composite) {
			for (var member : composite.stream().toList()) {
				destroy(member.contributor());
			}
		}
	}

}
