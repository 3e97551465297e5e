package io.clawbot.coordinator.e2e;

import io.clawbot.coordinator.domain.access.Secrets;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * The end-to-end tests' admin key: made fresh for each start of the service (nothing in the repository), given to
 * it as {@code coordinator.admin-key}, and sent by every RestAssured request that names no credentials of its own.
 * A test that means to send none says {@code given().noFiltersOfType(AsAdmin.class)}.
 */
public final class AsAdmin implements Filter {

    private static volatile String key;

    private AsAdmin() {
    }

    /** Makes a new admin key and installs the filter once. */
    static synchronized String newKey() {
        if (key == null) {
            RestAssured.filters(new AsAdmin());
        }
        key = Secrets.newKey();
        return key;
    }

    /** The admin key of the running service. */
    public static String key() {
        return key;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + key);
        }
        return context.next(request, response);
    }
}
