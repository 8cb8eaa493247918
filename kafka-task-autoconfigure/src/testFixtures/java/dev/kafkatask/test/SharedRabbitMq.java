package dev.kafkatask.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class the JVM's shared RabbitMQ ({@link TestRabbit}): before the class runs,
 * {@code spring.rabbitmq.*} are set as system properties, which Spring Boot applications
 * read. Without a RabbitMQ the class is skipped, saying why (or fails, when
 * {@value TestRabbit#REQUIRED_ENV} is {@code true}).
 *
 * @author kafka-task
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SharedRabbitMqExtension.class)
public @interface SharedRabbitMq {

}
