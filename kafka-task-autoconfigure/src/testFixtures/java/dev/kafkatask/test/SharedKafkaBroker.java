package dev.kafkatask.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class the JVM's shared Kafka broker ({@link TestKafka}): before the class
 * runs, {@code spring.kafka.bootstrap-servers} is set as a system property, which Spring
 * Boot applications and context runners read.
 *
 * @author kafka-task
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SharedKafkaBrokerExtension.class)
public @interface SharedKafkaBroker {

}
