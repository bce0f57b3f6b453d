package org.cxrtriage.app.fhir;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.InstantType;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A search's answer as matches, each with the resources included for it ({@code _include},
 * {@code _revinclude}). A page holds its matches, each marked {@code search.mode = match}, followed
 * by their included resources ({@code include}) once each; {@link #size()} counts matches only, so
 * {@code Bundle.total} and the paging links are about what was searched for.
 */
abstract class SearchResults implements IBundleProvider {

    /** One match and what was included with it. */
    record Hit(IBaseResource match, List<IBaseResource> included) {
        Hit {
            included = List.copyOf(included);
        }

        Hit(IBaseResource match) {
            this(match, List.of());
        }
    }

    private final String uuid = UUID.randomUUID().toString();
    private final InstantType published = InstantType.now();

    /** The hits from {@code from} (inclusive) to {@code to} (exclusive). */
    abstract List<Hit> hits(int from, int to);

    /** A search answered in memory. */
    static SearchResults of(List<Hit> hits) {
        List<Hit> all = List.copyOf(hits);
        return new SearchResults() {
            @Override
            List<Hit> hits(int from, int to) {
                return all.subList(Math.min(from, all.size()), Math.min(to, all.size()));
            }

            @Override
            public Integer size() {
                return all.size();
            }
        };
    }

    static SearchResults matches(List<? extends IBaseResource> matches) {
        return of(matches.stream().map(Hit::new).toList());
    }

    @Override
    public List<IBaseResource> getResources(int from, int to) {
        return page(hits(from, to), null);
    }

    @Override
    public List<IBaseResource> getResources(int from, int to, ResponsePage.ResponsePageBuilder builder) {
        return page(hits(from, to), builder);
    }

    private static List<IBaseResource> page(List<Hit> hits, ResponsePage.ResponsePageBuilder builder) {
        List<IBaseResource> page = new ArrayList<>();
        for (Hit hit : hits) {
            mark(hit.match(), BundleEntrySearchModeEnum.MATCH);
            page.add(hit.match());
        }
        Set<String> seen = new HashSet<>();
        hits.forEach(hit -> seen.add(key(hit.match())));
        int included = 0;
        for (Hit hit : hits) {
            for (IBaseResource resource : hit.included()) {
                if (seen.add(key(resource))) {
                    mark(resource, BundleEntrySearchModeEnum.INCLUDE);
                    page.add(resource);
                    included++;
                }
            }
        }
        if (builder != null) {
            builder.setIncludedResourceCount(included);
        }
        return page;
    }

    static void mark(IBaseResource resource, BundleEntrySearchModeEnum mode) {
        if (resource instanceof IAnyResource any) {
            ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(any, mode);
        }
    }

    private static String key(IBaseResource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    @Override
    public InstantType getPublished() {
        return published;
    }

    @Override
    public String getUuid() {
        return uuid;
    }

    @Override
    public Integer preferredPageSize() {
        return null;
    }

    /** Whether {@code lastUpdated} lies inside the {@code _lastUpdated} range (null range: always). */
    static boolean updatedWithin(Date lastUpdated, FhirDates range) {
        if (lastUpdated == null) {
            return range.from().isEmpty() && range.to().isEmpty();
        }
        return range.from().map(from -> !lastUpdated.toInstant().isBefore(from)).orElse(true)
                && range.to().map(to -> !lastUpdated.toInstant().isAfter(to)).orElse(true);
    }
}
