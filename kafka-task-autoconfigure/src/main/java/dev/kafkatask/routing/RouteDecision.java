package dev.kafkatask.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where one dispatch goes.
 *
 * @param backend the backend that takes the task
 * @param shadow a backend that takes a copy as well, or {@code null}
 * @param rule the name of the rule that decided, see {@link RoutingRules.Match#rule()}
 * @param ramped whether the dispatch fell in the rule's ramp share
 * @author kafka-task
 */
public record RouteDecision(Backend backend, @Nullable Backend shadow, String rule, boolean ramped) {

}
