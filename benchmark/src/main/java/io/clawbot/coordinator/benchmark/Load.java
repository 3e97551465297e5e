package io.clawbot.coordinator.benchmark;

import java.net.http.HttpResponse;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batch of tasks of one type, submitted as a careful client does: spread over the available replicas, a few
 * requests at a time, and a request that fails (its replica went down, perhaps after committing) sent again to
 * the next replica under the same Idempotency-Key, so that each task exists once.
 */
final class Load {

    private static final int IN_FLIGHT = 16;
    private static final int MAX_TRIES = 20;

    private final Api api;
    private final Replicas replicas;
    private final String type;
    private final String body;
    private final AtomicInteger submitted = new AtomicInteger();
    private final AtomicInteger sentAgain = new AtomicInteger();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

    /** Generous retries: a task whose attempt is lost to a replica or bot going away must get another one. */
    static final String GENEROUS_RETRIES = "{\"max_attempts\": 20, \"backoff_seconds\": 0.2, \"max_backoff_seconds\": 1}";

    Load(Api api, Replicas replicas, String type) {
        this(api, replicas, type, "{\"n\": 1}", GENEROUS_RETRIES);
    }

    /** A batch whose tasks carry this payload and retry policy (JSON objects). */
    Load(Api api, Replicas replicas, String type, String payload, String retry) {
        this(api, replicas, type, payload, retry, "");
    }

    /** The same with more fields of the creation's body, as JSON members ({@code "\"priority\": 3"}). */
    Load(Api api, Replicas replicas, String type, String payload, String retry, String moreFields) {
        this.api = api;
        this.replicas = replicas;
        this.type = type;
        this.body = "{\"type\": \"" + type + "\", \"payload\": " + payload + ", \"retry\": " + retry
                + (moreFields.isEmpty() ? "" : ", " + moreFields) + "}";
    }

    String type() {
        return type;
    }

    /** Submits task number {@code i} of the batch; blocks while too many requests are on their way. */
    void submit(int i) throws InterruptedException {
        submit(i, i % replicas.count());
    }

    /** The same through the given replica first (another if it is unavailable). */
    void submit(int i, int replica) throws InterruptedException {
        inFlight.acquire();
        send(type + "-" + i, replicas.available(replica), 0);
    }

    /**
     * Submits task number {@code i} through {@code replica} and waits for the answer, for a caller that needs to
     * know when the task was created; the task's id, or an error if it was not created.
     */
    String submitNow(int i, int replica) throws Exception {
        HttpResponse<String> answer = api.createTaskAsync(replica, type + "-" + i, body).get(30, TimeUnit.SECONDS);
        if (answer.statusCode() != 201 && answer.statusCode() != 200) {
            throw new IllegalStateException("task " + i + " was not created: " + answer.statusCode() + " "
                    + answer.body());
        }
        submitted.incrementAndGet();
        return Api.JSON.readTree(answer.body()).path("id").asText();
    }

    /**
     * Submits tasks number {@code 0} to {@code count - 1} with the batch endpoint, {@code size} to a request, each
     * under its own idempotency key, spread over the replicas; a request that fails goes again to the next one.
     */
    void submitInBatches(int count, int size) throws Exception {
        String item = body.substring(1, body.length() - 1);
        for (int from = 0, request = 0; from < count; from += size, request++) {
            StringBuilder batch = new StringBuilder("{\"tasks\": [");
            for (int i = from; i < Math.min(count, from + size); i++) {
                batch.append(i == from ? "" : ", ").append("{\"idempotency_key\": \"").append(type).append('-')
                        .append(i).append("\", ").append(item).append('}');
            }
            String json = batch.append("]}").toString();
            for (int tries = 0;; tries++) {
                HttpResponse<String> answer = api.post(replicas.available(request % replicas.count()),
                        "/api/v1/tasks/batch", json);
                if (answer.statusCode() == 200 || answer.statusCode() == 201) {
                    var result = Api.JSON.readTree(answer.body());
                    submitted.addAndGet(result.path("created").asInt() + result.path("replayed").asInt());
                    break;
                }
                if (tries >= MAX_TRIES) {
                    throw new IllegalStateException("a batch was not created: " + answer.statusCode() + " "
                            + answer.body());
                }
                sentAgain.incrementAndGet();
                request++;
                Thread.sleep(200);
            }
        }
    }

    /** Waits until every submitted request has its answer. */
    void awaitAnswers() throws InterruptedException {
        inFlight.acquire(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
    }

    /** How many tasks the coordinator confirmed. */
    int submitted() {
        return submitted.get();
    }

    /** How many requests failed and were sent again to another replica. */
    int sentAgain() {
        return sentAgain.get();
    }

    private void send(String key, int replica, int tries) {
        api.createTaskAsync(replica, key, body).whenComplete((response, failure) -> {
            if (failure == null && (response.statusCode() == 201 || response.statusCode() == 200)) {
                submitted.incrementAndGet();
                inFlight.release();
                return;
            }
            sentAgain.incrementAndGet();
            if (tries >= MAX_TRIES) {
                System.err.println("task " + key + " could not be submitted");
                inFlight.release();
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(key, replicas.available((replica + 1) % replicas.count()), tries + 1);
        });
    }
}
