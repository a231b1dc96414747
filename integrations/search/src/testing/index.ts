export { type SearchDouble, type SearchFixture, searchDouble, searchFixtures } from "./double.ts";
