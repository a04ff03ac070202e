package dev.steward.orchestration;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Names for runs that come without one, in Prefect's "adjective-animal" style. */
final class RunNames {
    private static final List<String> ADJECTIVES = List.of("amber", "brave", "calm", "daring", "eager", "fancy",
            "gentle", "hasty", "icy", "jolly", "keen", "lively", "mellow", "nimble", "olive", "proud", "quiet", "rapid",
            "silver", "tidy", "upbeat", "vivid", "witty", "young", "zesty");
    private static final List<String> ANIMALS = List.of("albatross", "badger", "cheetah", "dolphin", "eagle", "falcon",
            "gecko", "heron", "ibis", "jaguar", "koala", "lemur", "marmot", "newt", "otter", "panda", "quail", "raven",
            "salmon", "tapir", "urchin", "vulture", "walrus", "yak", "zebra");

    private RunNames() {}

    static String random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return ADJECTIVES.get(r.nextInt(ADJECTIVES.size())) + "-" + ANIMALS.get(r.nextInt(ANIMALS.size()));
    }
}
