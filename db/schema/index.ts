export * from "./enums";
export * from "./companies";
export * from "./channels";
export * from "./conversations";
export * from "./events";
export * from "./files";
export * from "./auth";
export * from "./notes";
