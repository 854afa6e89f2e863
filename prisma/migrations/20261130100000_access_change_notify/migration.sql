-- Access changes: every instance LISTENs on perfpilot_access and, on a notice, forgets the
-- cached sessions and tokens it names and disconnects their sockets. Triggers (not app code)
-- raise the notices, so every path that ends access notifies: better-auth's own sign-out and
-- password change, our user and token routes, a cascade, a manual UPDATE. pg_notify inside a
-- transaction is delivered at commit, and not at all on rollback.

CREATE FUNCTION perfpilot_notify_access() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'auth_session' THEN
    PERFORM pg_notify('perfpilot_access', json_build_object('kind', 'session', 'id', r.id, 'userId', r.user_id)::text);
  ELSIF TG_TABLE_NAME = 'auth_user' THEN
    PERFORM pg_notify('perfpilot_access', json_build_object('kind', 'user', 'id', r.id, 'userId', r.id)::text);
  ELSIF TG_TABLE_NAME = 'api_token' THEN
    PERFORM pg_notify('perfpilot_access', json_build_object('kind', 'token', 'id', r.id, 'userId', r.created_by)::text);
  END IF;
  RETURN NULL;
END;
$$;

-- Updates notify only when what grants access really changed, so a harmless write never drops
-- anybody's sockets.
CREATE TRIGGER auth_session_access_ended
  AFTER DELETE ON "auth_session"
  FOR EACH ROW EXECUTE FUNCTION perfpilot_notify_access();
CREATE TRIGGER auth_session_access_changed
  AFTER UPDATE ON "auth_session"
  FOR EACH ROW WHEN (OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION perfpilot_notify_access();

CREATE TRIGGER auth_user_access_ended
  AFTER DELETE ON "auth_user"
  FOR EACH ROW EXECUTE FUNCTION perfpilot_notify_access();
CREATE TRIGGER auth_user_access_changed
  AFTER UPDATE ON "auth_user"
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.banned IS DISTINCT FROM NEW.banned OR OLD.ban_expires IS DISTINCT FROM NEW.ban_expires)
  EXECUTE FUNCTION perfpilot_notify_access();

CREATE TRIGGER api_token_access_ended
  AFTER DELETE ON "api_token"
  FOR EACH ROW EXECUTE FUNCTION perfpilot_notify_access();
CREATE TRIGGER api_token_access_changed
  AFTER UPDATE ON "api_token"
  FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION perfpilot_notify_access();
