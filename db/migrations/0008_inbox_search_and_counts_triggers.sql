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
  -- Only rows whose group changed (a status, an assignee, a line…): a new message's time changes no count.
  INSERT INTO inbox_count_deltas (company_id, status, assignee_id, line_id, channel_id, team_id, delta)
  SELECT company_id, status, assignee_id, line_id, channel_id, team_id, sum(d)
  FROM (
    SELECT n.company_id, n.status, n.assignee_id, n.line_id, n.channel_id, n.team_id, 1 AS d, o.id AS changed
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (o.company_id, o.status, o.assignee_id, o.line_id, o.channel_id, o.team_id) IS DISTINCT FROM (n.company_id, n.status, n.assignee_id, n.line_id, n.channel_id, n.team_id)
    UNION ALL
    SELECT o.company_id, o.status, o.assignee_id, o.line_id, o.channel_id, o.team_id, -1, o.id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (o.company_id, o.status, o.assignee_id, o.line_id, o.channel_id, o.team_id) IS DISTINCT FROM (n.company_id, n.status, n.assignee_id, n.line_id, n.channel_id, n.team_id)
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
CREATE FUNCTION switchboard_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversation_terms t SET terms = switchboard_add_terms(t.terms, x.terms)
  FROM (
    SELECT conversation_id, switchboard_terms(string_agg(left(text, 4096), ' ')) AS terms
    FROM new_rows WHERE text IS NOT NULL AND text <> '' GROUP BY conversation_id
  ) x
  WHERE t.conversation_id = x.conversation_id AND x.terms <> ''::tsvector;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- An edited message adds its new words (the old ones stay findable: they were written).
CREATE FUNCTION switchboard_message_edited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversation_terms SET terms = switchboard_add_terms(terms, switchboard_terms(NEW.text)) WHERE conversation_id = NEW.conversation_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A contact's new name or handle (a profile looked up after the first message) is findable in their conversations.
CREATE FUNCTION switchboard_contact_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversation_terms t SET terms = switchboard_add_terms(t.terms, switchboard_terms(NEW.display_name || ' ' || coalesce(NEW.username, '')))
  FROM conversations c WHERE c.contact_id = NEW.id AND t.conversation_id = c.id;
  RETURN NULL;
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
