/** A community access key (with the `messages` right) and the Callback API secret VK puts in each notification. */
export type VkCredentials = { accessToken: string; secret: string };
