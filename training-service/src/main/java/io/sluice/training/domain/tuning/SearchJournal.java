package io.sluice.training.domain.tuning;

import java.io.IOException;
import java.util.List;

/** Durable store of searches (the object store in the service); each save replaces the record whole. */
public interface SearchJournal {

    void save(SearchRecord record) throws IOException;

    List<SearchRecord> all() throws IOException;
}
