-- Inbox search terms and tab counts, kept by the database so that every path that writes conversations, messages
-- or contacts (ingest, replies, notes, seeds, recovery) keeps them true. See db/schema/conversations.ts.

-- The searchable words of a text: 'simple' full text (any language, no stemming), positions stripped, at most
-- 100,000 characters read (a tsvector holds at most 1 MB).
CREATE FUNCTION switchboard_terms(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT strip(to_tsvector('simple'::regconfig, left(coalesce(t, ''), 100000)))
$$;
--> statement-breakpoint
-- Words added to a conversation's terms, unless they would outgrow what a tsvector holds: an enormous thread stops
-- taking new words rather than ever failing the statement that stores a message.
CREATE FUNCTION switchboard_add_terms(current tsvector, added tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN pg_column_size(current) + pg_column_size(added) > 900000 THEN current ELSE strip(current || added) END
$$;
--> statement-breakpoint
CREATE FUNCTION switchboard_conversations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_terms (conversation_id, terms)
  SELECT n.id, switchboard_terms(c.display_name || ' ' || coalesce(c.username, ''))
  FROM new_rows n JOIN contacts c ON c.id = n.contact_id;
  INSERT INTO inbox_count_deltas (company_id, status, assignee_id, line_id, channel_id, team_id, delta)
  SELECT company_id, status, assignee_id, line_id, channel_id, team_id, count(*)
  FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION switchboard_conversations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each row leaves its old group and joins its new one; where the group did not change (a new message's time)
  -- the two cancel out and nothing is written.
  INSERT INTO inbox_count_deltas (company_id, status, assignee_id, line_id, channel_id, team_id, delta)
  SELECT company_id, status, assignee_id, line_id, channel_id, team_id, sum(d)
  FROM (
    SELECT company_id, status, assignee_id, line_id, channel_id, team_id, 1 AS d FROM new_rows
    UNION ALL
    SELECT company_id, status, assignee_id, line_id, channel_id, team_id, -1 FROM old_rows
  ) x
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(d) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION switchboard_conversations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inbox_count_deltas (company_id, status, assignee_id, line_id, channel_id, team_id, delta)
  SELECT company_id, status, assignee_id, line_id, channel_id, team_id, -count(*)
  FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Adds words to conversations' terms without ever waiting on a lock: a terms row another transaction holds (an
-- operator's reply and an incoming message in one thread at the same instant) is left alone and the words wait in
-- conversation_term_backlog for the next fold, a few seconds later. So the terms take part in no lock wait and can
-- never deadlock a transaction that stores a message.
CREATE FUNCTION switchboard_add_conversation_terms(ids uuid[], added tsvector[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH a AS (
    SELECT x.conversation_id, x.terms FROM unnest(ids, added) AS x(conversation_id, terms) WHERE x.terms <> ''::tsvector
  ), ready AS (
    SELECT t.conversation_id FROM conversation_terms t WHERE t.conversation_id IN (SELECT conversation_id FROM a) FOR NO KEY UPDATE SKIP LOCKED
  ), done AS (
    UPDATE conversation_terms t SET terms = switchboard_add_terms(t.terms, a.terms)
    FROM a JOIN ready r ON r.conversation_id = a.conversation_id
    WHERE t.conversation_id = a.conversation_id
    RETURNING t.conversation_id
  )
  INSERT INTO conversation_term_backlog (conversation_id, terms)
  SELECT a.conversation_id, a.terms FROM a WHERE a.conversation_id NOT IN (SELECT conversation_id FROM done);
END $$;
--> statement-breakpoint
CREATE FUNCTION switchboard_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM switchboard_add_conversation_terms(array_agg(x.conversation_id), array_agg(x.terms))
  FROM (
    SELECT conversation_id, switchboard_terms(string_agg(left(text, 4096), ' ')) AS terms
    FROM new_rows WHERE text IS NOT NULL AND text <> '' GROUP BY conversation_id
  ) x;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- An edited message adds its new words (the old ones stay findable: they were written).
CREATE FUNCTION switchboard_message_edited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM switchboard_add_conversation_terms(ARRAY[NEW.conversation_id], ARRAY[switchboard_terms(NEW.text)]);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A contact's new name or handle (a profile looked up after the first message) is findable in their conversations.
CREATE FUNCTION switchboard_contact_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM switchboard_add_conversation_terms(array_agg(c.id), array_agg(switchboard_terms(NEW.display_name || ' ' || coalesce(NEW.username, ''))))
  FROM conversations c WHERE c.contact_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Words that waited (see switchboard_add_conversation_terms) join their conversations' terms, one folder at a time;
-- rows still held by another transaction wait for the next fold. Returns the conversations updated.
CREATE FUNCTION switchboard_fold_conversation_terms() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  touched integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7293100000000000002) THEN
    RETURN 0;
  END IF;
  -- Words for a conversation deleted since are dropped.
  DELETE FROM conversation_term_backlog b WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = b.conversation_id);
  INSERT INTO conversation_terms (conversation_id, terms)
  SELECT DISTINCT b.conversation_id, ''::tsvector FROM conversation_term_backlog b
  ON CONFLICT (conversation_id) DO NOTHING;
  WITH ready AS (
    SELECT t.conversation_id FROM conversation_terms t
    WHERE t.conversation_id IN (SELECT conversation_id FROM conversation_term_backlog) FOR NO KEY UPDATE SKIP LOCKED
  ), moved AS (
    DELETE FROM conversation_term_backlog b USING ready r WHERE b.conversation_id = r.conversation_id RETURNING b.conversation_id, b.terms
  ), merged AS (
    SELECT m.conversation_id, array_to_tsvector(array_agg(DISTINCT w.word)) AS terms
    FROM moved m, unnest(tsvector_to_array(m.terms)) AS w(word) GROUP BY m.conversation_id
  )
  UPDATE conversation_terms t SET terms = switchboard_add_terms(t.terms, merged.terms) FROM merged WHERE t.conversation_id = merged.conversation_id;
  GET DIAGNOSTICS touched = ROW_COUNT;
  RETURN touched;
END $$;
--> statement-breakpoint
-- Deltas move into inbox_counts here, one folder at a time (others return at once); returns the groups touched.
CREATE FUNCTION switchboard_fold_inbox_counts() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  touched integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7293100000000000001) THEN
    RETURN 0;
  END IF;
  WITH moved AS (
    DELETE FROM inbox_count_deltas RETURNING company_id, status, assignee_id, line_id, channel_id, team_id, delta
  )
  INSERT INTO inbox_counts AS c (company_id, status, assignee_id, line_id, channel_id, team_id, n)
  SELECT company_id, status, assignee_id, line_id, channel_id, team_id, sum(delta)::int
  FROM moved GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (company_id, status, assignee_id, line_id, channel_id, team_id) DO UPDATE SET n = c.n + excluded.n;
  GET DIAGNOSTICS touched = ROW_COUNT;
  DELETE FROM inbox_counts WHERE n = 0;
  RETURN touched;
END $$;
--> statement-breakpoint
CREATE TRIGGER conversations_inserted AFTER INSERT ON conversations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION switchboard_conversations_inserted();
--> statement-breakpoint
CREATE TRIGGER conversations_updated AFTER UPDATE ON conversations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION switchboard_conversations_updated();
--> statement-breakpoint
CREATE TRIGGER conversations_deleted AFTER DELETE ON conversations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION switchboard_conversations_deleted();
--> statement-breakpoint
CREATE TRIGGER messages_inserted AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION switchboard_messages_inserted();
--> statement-breakpoint
CREATE TRIGGER messages_edited AFTER UPDATE OF text ON messages FOR EACH ROW WHEN (NEW.text IS DISTINCT FROM OLD.text AND NEW.text IS NOT NULL) EXECUTE FUNCTION switchboard_message_edited();
--> statement-breakpoint
CREATE TRIGGER contacts_renamed AFTER UPDATE OF display_name, username ON contacts FOR EACH ROW WHEN (NEW.display_name IS DISTINCT FROM OLD.display_name OR NEW.username IS DISTINCT FROM OLD.username) EXECUTE FUNCTION switchboard_contact_renamed();
--> statement-breakpoint
-- What exists already: every conversation's terms (the distinct words of all its messages, at most 12,000 of at
-- most 64 bytes each, so that a tsvector's 1 MB always holds them), and the counts.
INSERT INTO conversation_terms (conversation_id, terms)
SELECT c.id, switchboard_add_terms(
  switchboard_terms(ct.display_name || ' ' || coalesce(ct.username, '')),
  coalesce((
    SELECT array_to_tsvector(array_agg(w.word)) FROM (
      SELECT DISTINCT word FROM messages m, unnest(tsvector_to_array(to_tsvector('simple'::regconfig, left(m.text, 4096)))) AS word
      WHERE m.conversation_id = c.id AND m.text <> '' AND octet_length(word) <= 64 LIMIT 12000
    ) w), ''::tsvector))
FROM conversations c JOIN contacts ct ON ct.id = c.contact_id;
--> statement-breakpoint
INSERT INTO inbox_counts (company_id, status, assignee_id, line_id, channel_id, team_id, n)
SELECT company_id, status, assignee_id, line_id, channel_id, team_id, count(*) FROM conversations GROUP BY 1, 2, 3, 4, 5, 6;
