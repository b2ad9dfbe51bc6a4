import { describe, expect, it } from "vitest";
import { profileFromConversations, profileFromUsers, vkLookupKind } from "./lookup";

describe("vkLookupKind", () => {
  it("looks users up by users.get and chats by messages.getConversationsById", () => {
    expect(vkLookupKind("111222333", "private")).toBe("user");
    expect(vkLookupKind("2000000001", "group")).toBe("chat");
    expect(vkLookupKind("2000000000", "group")).toBe("chat");
  });

  it("has no lookup for communities, mismatched kinds or malformed ids", () => {
    expect(vkLookupKind("-229876543", "private")).toBeUndefined();
    expect(vkLookupKind("2000000001", "private")).toBeUndefined();
    expect(vkLookupKind("111222333", "group")).toBeUndefined();
    expect(vkLookupKind("0", "private")).toBeUndefined();
    expect(vkLookupKind("id111", "private")).toBeUndefined();
    expect(vkLookupKind("", "private")).toBeUndefined();
  });
});

describe("profileFromUsers (users.get)", () => {
  it("names the user 'first last', with screen_name as the username", () => {
    const users = [{ id: 111222333, first_name: "Анна", last_name: "Петрова", screen_name: "anna_p", can_access_closed: true, is_closed: false }];
    expect(profileFromUsers(users, "111222333")).toEqual({ displayName: "Анна Петрова", username: "anna_p" });
    expect(profileFromUsers([{ id: 5, first_name: "Ivan", last_name: "" }], "5")).toEqual({ displayName: "Ivan" });
  });

  it("keeps the placeholder for deleted accounts, other ids and odd answers", () => {
    expect(profileFromUsers([{ id: 3, first_name: "DELETED", last_name: "", deactivated: "deleted" }], "3")).toBeUndefined();
    expect(profileFromUsers([{ id: 4, first_name: "Banned", last_name: "User", deactivated: "banned" }], "4")).toEqual({ displayName: "Banned User" });
    expect(profileFromUsers([{ id: 9, first_name: "Other", last_name: "Person" }], "111222333")).toBeUndefined();
    expect(profileFromUsers([{ id: 5, first_name: " ", last_name: "" }], "5")).toBeUndefined();
    expect(profileFromUsers({ items: [] }, "5")).toBeUndefined();
    expect(profileFromUsers([null, 1], "5")).toBeUndefined();
  });
});

describe("profileFromConversations (messages.getConversationsById)", () => {
  it("names a chat after chat_settings.title", () => {
    const answer = { count: 1, items: [{ peer: { id: 2000000001, type: "chat", local_id: 1 }, chat_settings: { title: "Оптовики Acme", owner_id: 1 } }] };
    expect(profileFromConversations(answer, "2000000001")).toEqual({ displayName: "Оптовики Acme" });
  });

  it("keeps the placeholder when the chat is missing, has no title, or the answer is odd", () => {
    expect(profileFromConversations({ count: 0, items: [] }, "2000000001")).toBeUndefined();
    expect(profileFromConversations({ count: 1, items: [{ peer: { id: 2000000001 } }] }, "2000000001")).toBeUndefined();
    expect(profileFromConversations({ count: 1, items: [{ peer: { id: 2000000002 }, chat_settings: { title: "Other" } }] }, "2000000001")).toBeUndefined();
    expect(profileFromConversations([], "2000000001")).toBeUndefined();
    expect(profileFromConversations(undefined, "2000000001")).toBeUndefined();
  });
});
