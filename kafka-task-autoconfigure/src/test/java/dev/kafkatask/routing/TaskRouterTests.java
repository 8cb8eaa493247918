package dev.kafkatask.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link TaskRouter} and {@link RoutingRules}.
 *
 * @author kafka-task
 */
class TaskRouterTests {

	@Test
	void whenNoRuleMatchesThenTheDefaultBackendTakesTheTask() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.KAFKA));
		assertThat(router.route("orders.receipt", "orders", "id-1", null))
			.isEqualTo(new RouteDecision(Backend.KAFKA, null, "default", false));
	}

	@Test
	void whenTaskAndQueueRulesMatchThenTheTaskRuleWins() {
		RoutingRules rules = RoutingRules.allTo(Backend.KAFKA)
			.withQueue("celery", Route.to(Backend.RABBITMQ))
			.withTask("billing.charge", Route.to(Backend.KAFKA));
		TaskRouter router = new TaskRouter(rules);
		assertThat(router.route("billing.charge", "celery", "id-1", null).backend()).isEqualTo(Backend.KAFKA);
		assertThat(router.route("billing.charge", "celery", "id-1", null).rule()).isEqualTo("task:billing.charge");
		assertThat(router.route("billing.refund", "celery", "id-1", null).backend()).isEqualTo(Backend.RABBITMQ);
		assertThat(router.route("billing.refund", "celery", "id-1", null).rule()).isEqualTo("queue:celery");
	}

	@Test
	void whenRampIsSetThenItsShareOfDispatchesTakesTheOtherBackend() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.RABBITMQ)
			.withTask("billing.charge", Route.to(Backend.RABBITMQ).withRamp(new Ramp(Backend.KAFKA, 25))));
		long toKafka = IntStream.range(0, 20_000)
			.mapToObj((i) -> router.route("billing.charge", "celery", UUID.randomUUID().toString(), null))
			.filter((decision) -> decision.backend() == Backend.KAFKA)
			.count();
		assertThat(toKafka / 20_000.0).isCloseTo(0.25, within(0.02));
	}

	@Test
	void whenRampIsSetThenTheSameTaskIdAlwaysTakesTheSameRoute() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.RABBITMQ)
			.withTask("billing.charge", Route.to(Backend.RABBITMQ).withRamp(new Ramp(Backend.KAFKA, 50))));
		for (int i = 0; i < 200; i++) {
			String id = UUID.randomUUID().toString();
			Backend first = router.route("billing.charge", "celery", id, null).backend();
			for (int retry = 0; retry < 5; retry++) {
				assertThat(router.route("billing.charge", "celery", id, null).backend()).isEqualTo(first);
			}
		}
	}

	@Test
	void whenRampGrowsThenDispatchesAlreadyMovedStayMoved() {
		Route rabbit = Route.to(Backend.RABBITMQ);
		TaskRouter router = new TaskRouter(
				RoutingRules.allTo(Backend.RABBITMQ).withTask("t", rabbit.withRamp(new Ramp(Backend.KAFKA, 10))));
		List<String> moved = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			String id = "task-" + i;
			if (router.route("t", "q", id, null).backend() == Backend.KAFKA) {
				moved.add(id);
			}
		}
		router.update((rules) -> rules.withTask("t", rabbit.withRamp(new Ramp(Backend.KAFKA, 60))));
		assertThat(moved).allSatisfy((id) -> assertThat(router.route("t", "q", id, null).backend())
			.isEqualTo(Backend.KAFKA));
	}

	@Test
	void whenStickyByKeyThenTasksOfOneKeyTakeOneRoute() {
		RoutingRules rules = new RoutingRules(Backend.RABBITMQ,
				Map.of("q", Route.to(Backend.RABBITMQ).withRamp(new Ramp(Backend.KAFKA, 50))), Map.of(),
				StickyKey.KEY);
		TaskRouter router = new TaskRouter(rules);
		for (String key : List.of("customer-1", "customer-2", "customer-3", "customer-4")) {
			Backend first = router.route("t", "q", UUID.randomUUID().toString(), key).backend();
			for (int i = 0; i < 20; i++) {
				assertThat(router.route("t", "q", UUID.randomUUID().toString(), key).backend()).isEqualTo(first);
			}
		}
	}

	@Test
	void whenShadowIsAskedThenTheOtherBackendGetsACopy() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.RABBITMQ)
			.withQueue("celery", Route.to(Backend.RABBITMQ).withShadow(Backend.KAFKA)));
		assertThat(router.route("t", "celery", "id", null).shadow()).isEqualTo(Backend.KAFKA);
		assertThat(router.route("t", "other", "id", null).shadow()).isNull();
	}

	@Test
	void whenRulesChangeThenListenersHearAndTheNextDispatchFollows() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.KAFKA));
		List<RoutingRules> heard = new ArrayList<>();
		router.addListener(heard::add);
		router.update((rules) -> rules.withQueue("celery", Route.to(Backend.RABBITMQ)));
		router.update((rules) -> rules.withQueue("celery", Route.to(Backend.RABBITMQ)));
		assertThat(heard).hasSize(1);
		assertThat(router.route("t", "celery", "id", null).backend()).isEqualTo(Backend.RABBITMQ);
		router.update((rules) -> rules.withQueue("celery", null));
		assertThat(router.route("t", "celery", "id", null).backend()).isEqualTo(Backend.KAFKA);
	}

	@Test
	void bucketsAreStableAcrossReleases() {
		// Golden values (CRC-32C of the UTF-8 bytes, modulo 10,000): changing the hash would
		// move tasks between backends in the middle of a ramp.
		assertThat(TaskRouter.bucket("a")).isEqualTo(1376);
		assertThat(TaskRouter.bucket("00000000-0000-0000-0000-000000000000")).isEqualTo(501);
		assertThat(TaskRouter.bucket("task-1")).isEqualTo(4240);
	}

	@Test
	void whenBackendOrRampIsInvalidThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("sqs"))
			.withMessage("Unknown backend 'sqs': kafka or rabbitmq");
		assertThatIllegalArgumentException().isThrownBy(() -> new Ramp(Backend.KAFKA, 101));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Route.to(Backend.KAFKA).withShadow(Backend.KAFKA));
	}

	@Test
	void whenRouteNamesAClusterThenKafkaDispatchesGoToItAndOthersToTheDefaultCluster() {
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.KAFKA)
			.withQueue("orders", new Route(Backend.KAFKA, "east", null, null, OnUnavailable.FAIL))
			.withQueue("celery", Route.to(Backend.RABBITMQ)), Set.of("east"));
		assertThat(router.route("t", "orders", "id", null))
			.isEqualTo(new RouteDecision(Backend.KAFKA, "east", null, "queue:orders", false, OnUnavailable.FAIL));
		assertThat(router.route("t", "other", "id", null).cluster()).isEqualTo(Route.DEFAULT_CLUSTER);
		assertThat(router.route("t", "celery", "id", null).cluster()).isNull();
	}

	@Test
	void whenRampGoesToAnotherClusterThenItsShareIsStickyByKey() {
		Route east = new Route(Backend.KAFKA, "east", new Ramp(Backend.KAFKA, "west", 50), null, OnUnavailable.FAIL);
		TaskRouter router = new TaskRouter(
				new RoutingRules(Backend.KAFKA, Map.of("orders", east), Map.of(), StickyKey.KEY), Set.of("east", "west"));
		Map<String, Long> byCluster = IntStream.range(0, 4000)
			.mapToObj((i) -> router.route("t", "orders", UUID.randomUUID().toString(), "customer-" + i))
			.collect(Collectors.groupingBy(RouteDecision::cluster, Collectors.counting()));
		assertThat(byCluster).containsOnlyKeys("east", "west");
		assertThat(byCluster.get("west") / 4000.0).isCloseTo(0.5, within(0.05));
		for (int i = 0; i < 50; i++) {
			String key = "customer-" + i;
			RouteDecision first = router.route("t", "orders", UUID.randomUUID().toString(), key);
			assertThat(first.backend()).isEqualTo(Backend.KAFKA);
			assertThat(first.ramped()).isEqualTo("west".equals(first.cluster()));
			for (int retry = 0; retry < 5; retry++) {
				assertThat(router.route("t", "orders", UUID.randomUUID().toString(), key).cluster())
					.isEqualTo(first.cluster());
			}
		}
	}

	@Test
	void whenRulesNameAClusterTheRouterDoesNotKnowThenTheyAreRefusedAndTheRulesInForceStay() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TaskRouter(RoutingRules.allTo(Backend.KAFKA)
				.withQueue("orders", new Route(Backend.KAFKA, "east", null, null, OnUnavailable.FAIL))))
			.withMessage("Rule 'queue:orders' names Kafka cluster 'east', which is not configured; known: [default]");
		TaskRouter router = new TaskRouter(RoutingRules.allTo(Backend.KAFKA), Set.of("east"));
		Route rampToWest = new Route(Backend.KAFKA, "east", new Ramp(Backend.KAFKA, "west", 10), null,
				OnUnavailable.FAIL);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> router.update((rules) -> rules.withTask("billing.charge", rampToWest)))
			.withMessage("Rule 'task:billing.charge' names Kafka cluster 'west', which is not configured;"
					+ " known: [default, east]");
		assertThat(router.rules()).isEqualTo(RoutingRules.allTo(Backend.KAFKA));
	}

	@Test
	void whenAClusterIsNamedForRabbitThenItIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Route(Backend.RABBITMQ, "east", null, null, OnUnavailable.FAIL))
			.withMessageContaining("kafka only");
		assertThatIllegalArgumentException().isThrownBy(() -> new Ramp(Backend.RABBITMQ, "east", 10))
			.withMessageContaining("kafka only");
	}

	@Test
	void whenPropertiesNameOnlyAClusterThenTheRouteAndTheRampGoToKafka() {
		Route route = Route.of(null, "east", Backend.RABBITMQ, null, "west", 10, null, OnUnavailable.FAIL);
		assertThat(route).isEqualTo(
				new Route(Backend.KAFKA, "east", new Ramp(Backend.KAFKA, "west", 10), null, OnUnavailable.FAIL));
		assertThat(route.clusters()).containsExactly("east", "west");
		assertThat(Route.of(null, null, Backend.KAFKA, null, null, 0, null, OnUnavailable.FAIL).cluster())
			.isEqualTo(Route.DEFAULT_CLUSTER);
	}

	@Test
	void whenRulesNameClustersThenTheirQueuesAreListedByCluster() {
		RoutingRules rules = RoutingRules.allTo(Backend.KAFKA)
			.withQueue("orders", new Route(Backend.KAFKA, "east", new Ramp(Backend.KAFKA, "west", 10), null,
					OnUnavailable.FAIL))
			.withQueue("celery", Route.to(Backend.RABBITMQ))
			.withTask("billing.charge", new Route(Backend.KAFKA, "west", null, null, OnUnavailable.FAIL));
		assertThat(rules.queuesByCluster((task) -> "billing"))
			.isEqualTo(Map.of("east", Set.of("orders"), "west", Set.of("orders", "billing")));
	}

}
