package dev.coilsight.schemas;

/** Confluent's TopicNameStrategy: the subject of a topic's values is {@code <topic>-value}, of its keys {@code <topic>-key}. */
public final class SubjectNames {

    private SubjectNames() {
    }

    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    public static String keySubject(String topic) {
        return topic + "-key";
    }

    public static String forTopic(String topic, boolean isKey) {
        return isKey ? keySubject(topic) : valueSubject(topic);
    }
}
