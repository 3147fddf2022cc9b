import { EntitySchema } from "typeorm";

export interface Tag {
  id: number;
  label: string;
  slug: string;
}

export const TagSchema = new EntitySchema<Tag>({
  name: "Tag",
  tableName: "tags",
  schema: "content",
  columns: {
    id: { type: Number, primary: true, generated: true },
    label: { type: String },
    slug: { type: String, name: "slg" },
  },
});
