import "reflect-metadata";
import { DataSource } from "typeorm";
import { SnakeNamingStrategy } from "typeorm-naming-strategies";
import { Author } from "./entity/Author";
import { Post } from "./entity/Post";
import { TagSchema } from "./entity/Tag";

export const AppDataSource = new DataSource({
  type: "postgres",
  url: process.env.DATABASE_URL,
  entities: [Author, Post, TagSchema],
  namingStrategy: new SnakeNamingStrategy(),
  synchronize: false,
});
