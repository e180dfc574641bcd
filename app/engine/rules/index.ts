export * from "./rule";
export * from "./resolve";
export * from "./visitor-offers";
export * from "./config";
export * from "./templates";
export * from "./strategies";
