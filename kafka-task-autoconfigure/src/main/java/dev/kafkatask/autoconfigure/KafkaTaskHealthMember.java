package dev.kafkatask.autoconfigure;

import org.springframework.boot.health.contributor.HealthContributor;

/**
 * One member of the {@code kafkaTask} health composite. A bean of this type, not of
 * {@link HealthContributor}, so that Spring Boot does not also register the member at the
 * top level of the health tree.
 *
 * @param name the member's name under {@code kafkaTask}
 * @param contributor the member's health
 * @author kafka-task
 */
record KafkaTaskHealthMember(String name, HealthContributor contributor) {

}
